#!/usr/bin/env python3
"""A tiny server as systemd socket activation starts it (or inetd's wait mode, with the argument stdin, or
stdio for the socket on descriptors 0, 1 and 2):
it takes the listening socket it is given, says so on standard output, and answers every line of every
client with its pid, what it was given, and the line. The tests of the program keeper run it."""
import os
import socket
import sys

if len(sys.argv) > 1 and sys.argv[1] in ("stdin", "stdio"):
    listener = socket.socket(fileno=0)
    given = sys.argv[1]
    if given == "stdio":
        # inetd's exact convention: 1 and 2 are the listening socket too (so nothing can be printed).
        given += " 0,1,2 same socket: %s" % all(os.fstat(fd).st_ino == os.fstat(0).st_ino for fd in (1, 2))
else:
    if os.environ.get("LISTEN_PID") != str(os.getpid()):
        print("LISTEN_PID is %s, not my pid %d" % (os.environ.get("LISTEN_PID"), os.getpid()), flush=True)
        sys.exit(3)
    listener = socket.socket(fileno=3)
    given = "fds=%s names=%s" % (os.environ.get("LISTEN_FDS"), os.environ.get("LISTEN_FDNAMES"))
if not given.startswith("stdio"):
    print("serving as %d with %s" % (os.getpid(), given), flush=True)
while True:
    connection, _ = listener.accept()
    with connection, connection.makefile("rwb") as stream:
        for line in stream:
            stream.write(b"%d %s %s\n" % (os.getpid(), given.encode(), line.strip()))
            stream.flush()
