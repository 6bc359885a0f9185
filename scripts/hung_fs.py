"""A read-only FUSE file system of one file whose reads can be made to hang: a stalled
network disk, for scripts/hung-reload-test.sh.

    python hung_fs.py SOURCE MOUNTPOINT HANG_FLAG

Serves SOURCE's content (read once, at start) as MOUNTPOINT/<name of SOURCE>. While the
file HANG_FLAG exists, a read of it waits and does not answer, as a network disk that
stops answering does; removing HANG_FLAG answers the waiting reads. A reader that is
interrupted (a signal, or its process ending) gets EINTR, as from an NFS mount that is
`hard` (waits for ever) but killable: without that, the kernel would keep a killed
reader's thread, and so its process, until the file system answered.

Runs in the foreground until unmounted (`umount MOUNTPOINT`). Needs fusepy and libfuse 2.
"""

import ctypes
import errno
import os
import stat
import sys
import time

import fuse

POLL = 0.05


class HungFs(fuse.Operations):
    use_ns = True

    def __init__(self, source, hang_flag):
        with open(source, "rb") as f:
            self.content = f.read()
        self.name = "/" + os.path.basename(source)
        self.hang_flag = hang_flag
        self.started = time.time_ns()
        fuse._libfuse.fuse_interrupted.restype = ctypes.c_int

    def getattr(self, path, fh=None):
        times = {"st_atime": self.started, "st_mtime": self.started, "st_ctime": self.started}
        if path == "/":
            return {"st_mode": stat.S_IFDIR | 0o555, "st_nlink": 2, **times}
        if path == self.name:
            return {
                "st_mode": stat.S_IFREG | 0o444,
                "st_nlink": 1,
                "st_size": len(self.content),
                **times,
            }
        raise fuse.FuseOSError(errno.ENOENT)

    def readdir(self, path, fh):
        if path != "/":
            raise fuse.FuseOSError(errno.ENOTDIR)
        return [".", "..", self.name[1:]]

    def open(self, path, flags):
        if path != self.name:
            raise fuse.FuseOSError(errno.ENOENT)
        if flags & os.O_ACCMODE != os.O_RDONLY:
            raise fuse.FuseOSError(errno.EROFS)
        return 0

    def read(self, path, size, offset, fh):
        hung = False
        while os.path.exists(self.hang_flag):
            if not hung:
                hung = True
                print(f"hung_fs: a read of {path} hangs", file=sys.stderr, flush=True)
            # Set by libfuse when the kernel says the reader was interrupted.
            if fuse._libfuse.fuse_interrupted():
                print(f"hung_fs: the reader of {path} was interrupted", file=sys.stderr, flush=True)
                raise fuse.FuseOSError(errno.EINTR)
            time.sleep(POLL)
        if hung:
            print(f"hung_fs: the read of {path} answers", file=sys.stderr, flush=True)
        return self.content[offset : offset + size]


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    source, mountpoint, hang_flag = sys.argv[1:]
    # direct_io: every read reaches this process, never the page cache.
    fuse.FUSE(
        HungFs(source, hang_flag),
        mountpoint,
        foreground=True,
        ro=True,
        direct_io=True,
        fsname="hung_fs",
    )


if __name__ == "__main__":
    main()
