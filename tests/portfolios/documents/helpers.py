"""Helpers of the document tests: an upload of given bytes, a PNG's first bytes, the EICAR test
file and a fake clamd speaking the INSTREAM protocol."""

import os
import shutil
import socket
import struct
import tempfile
import threading

from django.core.files.uploadedfile import SimpleUploadedFile

PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02"


def upload(data: bytes, name: str = "file.pdf", content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, data, content_type=content_type)


# The anti-virus test file (https://www.eicar.org/download-anti-malware-testfile/).
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


# --- Virus scan through clamd ---------------------------------------------------------------


class FakeClamd:
    """A tiny clamd: answers INSTREAM (``zINSTREAM\\0``, chunks each after its 4-byte length, a
    zero length to end) on a unix socket, or on TCP with ``tcp=True`` (``path`` is then
    ``tcp://127.0.0.1:<port>``), finding EICAR anywhere in the stream."""

    def __init__(self, *, reply: bytes | None = None, tcp: bool = False):
        self.directory = tempfile.mkdtemp(prefix="clamd", dir="/tmp")  # short: sun_path ≤ 108
        self.reply = reply
        self.received: list[bytes] = []
        self.commands: list[bytes] = []
        if tcp:
            self.server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            self.server.bind(("127.0.0.1", 0))
            self.path = f"tcp://127.0.0.1:{self.server.getsockname()[1]}"
        else:
            self.path = os.path.join(self.directory, "clamd.sock")
            self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.server.bind(self.path)
        self.server.listen(5)
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @staticmethod
    def _read_exactly(conn, size: int) -> bytes:
        data = b""
        while len(data) < size:
            chunk = conn.recv(size - len(data))
            if not chunk:
                raise ConnectionError("closed")
            data += chunk
        return data

    def _serve(self):
        while True:
            try:
                conn, _address = self.server.accept()
            except OSError:
                return
            with conn:
                try:
                    command = b""
                    while not command.endswith(b"\0"):
                        command += self._read_exactly(conn, 1)
                    self.commands.append(command)
                    stream = b""
                    while length := struct.unpack("!L", self._read_exactly(conn, 4))[0]:
                        stream += self._read_exactly(conn, length)
                    self.received.append(stream)
                    if self.reply is not None:
                        reply = self.reply
                    elif EICAR in stream:
                        reply = b"stream: Eicar-Signature FOUND\0"
                    else:
                        reply = b"stream: OK\0"
                    conn.sendall(reply)
                except ConnectionError:
                    continue

    def close(self):
        self.server.close()
        self.thread.join(timeout=5)
        shutil.rmtree(self.directory, ignore_errors=True)
