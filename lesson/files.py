"""Files the runs write: whole or not at all, and folders checked before work."""

import atexit
import json
import os
import tempfile
from pathlib import Path

from lesson.errors import data_error


def write_atomically(path, write):
    """Call write(temporary_path), then rename it to path; no half-written file stays."""
    path = Path(path)
    umask = os.umask(0)
    os.umask(umask)
    temporary = None
    try:
        fd, temporary = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.stem}-", suffix=path.suffix
        )
        os.close(fd)
        write(Path(temporary))
        os.chmod(temporary, 0o666 & ~umask)  # mkstemp makes it private
        os.replace(temporary, path)
    except OSError as exc:  # a full disk, a read-only folder, ...
        reason = exc.strerror or str(exc)
        raise data_error(
            path,
            (f"无法写入（{reason}）", f"cannot write it ({reason})"),
            ("检查这个文件夹", "check the folder"),
        ) from None
    finally:
        if temporary and os.path.exists(temporary):
            os.remove(temporary)


def write_text(path, text):
    """Write a UTF-8 text file atomically."""
    write_atomically(path, lambda temporary: temporary.write_text(text, "utf-8"))


def write_json(path, value):
    """Write value as indented JSON, atomically."""
    write_text(path, json.dumps(value, indent=2, ensure_ascii=False) + "\n")


def remove_empty_folders(folders):
    """Remove each folder, innermost first, while it is empty."""
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:  # not empty, or already gone
            return


def prepare_output_dir(output_dir, flag="--output-dir", file_names=()):
    """Create the output folder now, so a bad path fails before any training.

    file_names: results to come, none of which may be a folder already, so a
    run never stops between writing one of them and the next.
    """
    output_dir = Path(output_dir)
    for name in file_names:
        if (output_dir / name).is_dir():
            raise data_error(
                output_dir / name,
                (
                    "这里要写结果文件，却是一个文件夹",
                    "is a folder, where a result file goes",
                ),
                (
                    f"把它移走，或给 {flag} 另一个文件夹",
                    f"move it, or pass {flag} another folder",
                ),
            )
    if output_dir.exists() and not output_dir.is_dir():
        raise data_error(
            output_dir,
            ("是文件，不是文件夹", "is a file, not a folder"),
            (f"给 {flag} 一个文件夹", f"pass {flag} a folder"),
        )
    writable = (f"给 {flag} 一个可写的文件夹", f"pass {flag} a writable folder")
    created = [
        folder for folder in (output_dir, *output_dir.parents) if not folder.exists()
    ]
    # a run that stops before writing anything leaves no empty folder behind
    atexit.register(remove_empty_folders, created)
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise data_error(
            output_dir,
            (f"无法创建（{exc.strerror}）", f"cannot create it ({exc.strerror})"),
            writable,
        ) from None
    if not os.access(output_dir, os.W_OK):
        raise data_error(output_dir, ("不可写", "is not writable"), writable)
    return output_dir
