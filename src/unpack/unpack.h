/*
 * unpack.h: what the two files of minictr-unpack share.
 *
 *   unpack.c     main; a layer tar (any compression) onto disk, OCI
 *                whiteouts into overlay's form; a directory copied
 *   layertar.c   the other way: a layer directory into a tar whose bytes
 *                depend only on what is in it, overlay's whiteouts into
 *                OCI's .wh. entries
 */
#ifndef UNPACK_H
#define UNPACK_H

#include <nettle/sha2.h>
#include <stdbool.h>
#include <stdint.h>

struct archive;

/* How overlayfs marks a directory opaque (overlayfs.rst, "whiteouts and
 * opaque directories"): nothing below it in lower layers shows through.
 * A mount made in a user namespace (userxattr: a user's containers,
 * --userns auto) reads user.overlay.opaque instead; root's layers carry
 * both, a user's (unpacked in its namespace) the user one only. */
#define OVERLAY_OPAQUE_XATTR "trusted.overlay.opaque"
#define OVERLAY_USER_OPAQUE_XATTR "user.overlay.opaque"
/* The OCI layer spec's names for the same two things, inside a tar. */
#define OCI_WHITEOUT_PREFIX ".wh."
#define OCI_OPAQUE_MARKER ".wh..wh..opq"

/* "sha256:" and 64 hex digits of what ctx hashed. */
void digest_string(struct sha256_ctx *ctx, char out[72]);

/* A tar writer whose every byte goes through `hash` and, when fd is not
 * -1, to fd. Returns NULL (error recorded) on failure. */
struct archive *layer_tar_writer(int fd, struct sha256_ctx *hash,
                                 uint64_t *bytes);
/* Write the layer directory `root` into `out` (from layer_tar_writer):
 * sorted, numeric owners, whole-second times, no atime or ctime, overlay
 * whiteouts as .wh. entries. Returns 0, or -1 (error recorded). */
int layer_tar(const char *root, struct archive *out);
/* Is this extended attribute one a layer tar keeps? (Not overlay's own
 * bookkeeping, not SELinux labels of the host.) */
bool layer_keeps_xattr(const char *name);

#endif
