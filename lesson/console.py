"""What the learner reads: bilingual labels and banners, lines wrapped by the
columns they take, and output that survives any console encoding."""

import atexit
import codecs
import re
import sys
import unicodedata
from pathlib import Path


def in_notebook():
    """True when running in a Jupyter kernel (VS Code or Jupyter)."""
    return "ipykernel" in sys.modules


def speaks_chinese(stream=None):
    """True if the stream's encoding can write Chinese characters."""
    encoding = getattr(stream or sys.stdout, "encoding", None) or "ascii"
    try:
        "步骤".encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


# The widest line the scripts print: English goes on its own line beyond it.
MOST_COLUMNS = 100


def columns(text):
    """How many terminal columns text takes: two for a Chinese character."""
    return sum(
        2 if unicodedata.east_asian_width(character) in "WF" else 1
        for character in text
    )


# Pieces a line may break between: spaces, one wide character or a word, with
# the opening punctuation before it and the closing punctuation after it.
OPENING, CLOSING = "（“‘《【", "，。；：、）”’》】！？"
WIDE = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
LINE_PIECES = re.compile(
    rf"\s+|[{OPENING}]*(?:[^\s{OPENING}{CLOSING}{WIDE}]+|[^\s{OPENING}{CLOSING}])"
    rf"[{CLOSING}]*|."
)


def wrap_columns(text, width):
    """text as lines of at most width columns, broken between words or
    between Chinese characters; a longer word gets a line of its own. The
    lines are as even as their number allows, so no word is left alone."""
    lines = wrap_greedily(text, width)
    narrowest = -(-columns(text) // len(lines))  # columns per line if all were even
    for narrower in range(narrowest, width):
        even = wrap_greedily(text, narrower)
        if len(even) == len(lines):
            return even
    return lines


def wrap_greedily(text, width):
    """As many pieces on each line as fit in width columns."""
    lines, line = [], ""
    for piece in LINE_PIECES.findall(text):
        if line and columns(line + piece.rstrip()) > width:
            lines.append(line.rstrip())
            line = ""
        if not (line == "" and piece.isspace()):
            line += piece
    if line.strip():
        lines.append(line.rstrip())
    return lines or [""]


def both(chinese, english):
    """'中文 / English' where the console can show it, else just English."""
    return f"{chinese} / {english}" if speaks_chinese() else english


def fitted(chinese, english, lead=""):
    """lead + '中文 / English' on one line where it fits in MOST_COLUMNS, else
    the English on a line of its own; English alone where the console cannot
    show Chinese."""
    if not speaks_chinese():
        return lead + english
    line = f"{lead}{chinese} / {english}"
    if columns(line) <= MOST_COLUMNS:
        return line
    width = MOST_COLUMNS - columns(lead)
    return "\n".join(
        lead + part for text in (chinese, english) for part in wrap_columns(text, width)
    )


def label(chinese, english):
    """'中文 / English:', to print before a value."""
    return both(chinese, english) + ":"


def banner(step, chinese, english):
    """The line that opens a step: '== 步骤 3：加载数据 / Step 3: Load the data =='."""
    title = both(f"步骤 {step}：{chinese}", f"Step {step}: {english}")
    print(f"\n== {title} ==", flush=True)


# What a console that cannot show a symbol (GBK, cp1252) shows instead; "━" is
# Keras' progress bar. Anything else is escaped (\u6211), so that two file names
# the console cannot show still print differently.
STAND_INS = {
    "−": "-",
    "–": "-",
    "—": "-",
    "×": "x",
    "✓": "yes",
    "→": "->",
    "…": "...",
    "━": "=",
}


def stand_in(error):
    """codecs error handler: ASCII stand-ins for the symbols a console cannot encode."""
    text = error.object[error.start : error.end]
    return (
        "".join(
            STAND_INS.get(character)
            or character.encode("ascii", "backslashreplace").decode("ascii")
            for character in text
        ),
        error.end,
    )


codecs.register_error("lesson_stand_in", stand_in)


# A terminal's colour and style codes: ESC [ ... letter.
TERMINAL_CODE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


class FinalLines:
    """Standard output for a file or a pipe: each line as a terminal would
    show it last, without colour codes.

    Keras redraws its progress bar in place (carriage returns, backspaces,
    colour codes) whatever the output is; in a log file that is one update
    after another on a single line. Here each line keeps only what follows its
    last carriage return, so an epoch is one line, as on the screen.
    """

    def __init__(self, stream):
        self.stream = stream
        self.pending = ""  # the line being written, not yet ended

    def write(self, text):
        written = len(text)  # what the caller gave, as io's write() reports
        text = TERMINAL_CODE.sub("", text)
        *ended, self.pending = (self.pending + text).split("\n")
        ended = [line.rsplit("\r", 1)[-1].replace("\b", "") for line in ended]
        if ended:
            self.stream.write("\n".join(ended) + "\n")
        return written

    def flush(self):
        self.stream.flush()

    def close_line(self):
        """Write what is left of an unended line (at exit)."""
        line, self.pending = self.pending.rsplit("\r", 1)[-1], ""
        if line:
            try:
                self.stream.write(line.replace("\b", ""))
                self.stream.flush()
            except (BrokenPipeError, ValueError):  # the reader left; closed
                pass

    def isatty(self):
        return False

    def __getattr__(self, name):  # encoding, fileno, reconfigure, ...
        return getattr(self.stream, name)


def make_safe():
    """Replace what the console cannot encode (GBK, cp1252, ...) instead of
    crashing; written to a file or a pipe, print each line as it ends
    (FinalLines), not every redraw of a progress bar."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="lesson_stand_in")
    redirected = not (hasattr(sys.stdout, "isatty") and sys.stdout.isatty())
    if redirected and not in_notebook() and not isinstance(sys.stdout, FinalLines):
        sys.stdout = FinalLines(sys.stdout)
        atexit.register(sys.stdout.close_line)


def short_path(path):
    """A path with the home folder written as ~, as a learner would type it."""
    path, home = Path(path), Path.home()
    try:
        return str(Path("~") / path.relative_to(home))
    except ValueError:
        return str(path)
