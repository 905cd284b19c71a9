"""Free TCP ports of 127.0.0.1."""

import socket


def free_port():
    """A port of 127.0.0.1 that nothing listens on now (the system's choice).

    Another process may take it before the caller binds it (pytest -n runs several):
    callers that can, retry with another one.
    """
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
