#!/usr/bin/env python3
"""A tiny server as systemd socket activation starts it (or inetd's wait mode, with the argument stdin):
it takes the listening socket it is given, says so on standard output, and answers every line of every
client with its pid, what it was given, and the line. The tests of the program keeper run it."""
import os
import socket
import sys

if len(sys.argv) > 1 and sys.argv[1] == "stdin":
    listener = socket.socket(fileno=0)
    given = "stdin"
else:
    if os.environ.get("LISTEN_PID") != str(os.getpid()):
        print("LISTEN_PID is %s, not my pid %d" % (os.environ.get("LISTEN_PID"), os.getpid()), flush=True)
        sys.exit(3)
    listener = socket.socket(fileno=3)
    given = "fds=%s names=%s" % (os.environ.get("LISTEN_FDS"), os.environ.get("LISTEN_FDNAMES"))
print("serving as %d with %s" % (os.getpid(), given), flush=True)
while True:
    connection, _ = listener.accept()
    with connection, connection.makefile("rwb") as stream:
        for line in stream:
            stream.write(b"%d %s %s\n" % (os.getpid(), given.encode(), line.strip()))
            stream.flush()
