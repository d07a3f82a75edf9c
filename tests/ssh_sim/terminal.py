"""A pty-like line discipline over an asyncssh process: echo, CR/LF handling, paging."""

from __future__ import annotations

import asyncssh

from tests.ssh_sim.shell import Shell


class Terminal:
    """Reads lines (echoing them like a real pty) and writes CRLF output with paging."""

    def __init__(self, process: asyncssh.SSHServerProcess[str]) -> None:
        self.process = process
        self.buffer = ""
        self.skip_lf = False  # a CR was the line end: swallow the LF of a CRLF

    def write(self, text: str) -> None:
        """Send text, turning bare LF into CRLF like a terminal driver."""
        self.process.stdout.write(text.replace("\r\n", "\n").replace("\n", "\r\n"))

    async def _fill(self) -> bool:
        try:
            data = await self.process.stdin.read(4096)
        except (asyncssh.BreakReceived, asyncssh.TerminalSizeChanged):
            return True
        if not data:
            return False
        self.buffer += data
        return True

    async def read_line(self, echo: bool = True) -> str | None:
        """The next line, or None at end of input."""
        line: list[str] = []
        while True:
            if not self.buffer and not await self._fill():
                return None
            echoed: list[str] = []
            done = self._consume(line, echoed)
            if echo and echoed:
                self.process.stdout.write("".join(echoed))
            if done:
                self.process.stdout.write("\r\n")
                return "".join(line)

    def _consume(self, line: list[str], echoed: list[str]) -> bool:
        while self.buffer:
            char, self.buffer = self.buffer[0], self.buffer[1:]
            if self.skip_lf:
                self.skip_lf = False
                if char == "\n":
                    continue
            if char in "\r\n":
                self.skip_lf = char == "\r"
                return True
            if char in "\x7f\x08":
                if line:
                    line.pop()
                    echoed.append("\b \b")
            elif char >= " " or char == "\t":
                line.append(char)
                echoed.append(char)
        return False

    async def read_key(self) -> str | None:
        """One key press (for the pager), or None at end of input."""
        if not self.buffer and not await self._fill():
            return None
        key, self.buffer = self.buffer[0], self.buffer[1:]
        return key

    async def page(self, text: str, shell: Shell) -> None:
        """Write `text`, pausing at the shell's more-prompt when paging is on."""
        lines = text.splitlines(keepends=True)
        size = shell.page_lines - 1
        if not shell.paging or len(lines) <= size:
            self.write(text)
            return
        position = 0
        while position < len(lines):
            self.write("".join(lines[position : position + size]))
            position += size
            if position >= len(lines):
                return
            self.process.stdout.write(shell.more_prompt)
            key = await self.read_key()
            self.process.stdout.write("\b" * len(shell.more_prompt) + " " *
                                      len(shell.more_prompt) + "\b" * len(shell.more_prompt))
            if key in (None, "q", "Q", "\x03"):
                return
