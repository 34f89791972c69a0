"""A local web page to try the trained models on your own clothing photos.

    python app.py                    # http://127.0.0.1:7860, opens the browser
    python app.py --no-browser --port 8000
    python app.py --host 0.0.0.0     # a phone on the same Wi-Fi can use it too

Upload a photo, take one with the camera or paste one; the page shows the top
classes as bars, the 28x28 picture the model judged (enlarged without
smoothing) and a note when the photo looked unlike the training pictures.
Photos are prepared by lesson/photos.py, as predict.py prepares them, so both
give the same answer for the same file. The page works with no network: no
web fonts, no scripts from other sites, no analytics and no update checks.
"""

import argparse
import errno
import importlib.util
import os
import socket
import sys
import threading
import time
import webbrowser
from pathlib import Path

import lesson  # noqa: F401  (first: a supported Python and the packages)
from lesson import backends, console, errors, photos, startup
from lesson.arguments import parser, whole_number
from lesson.console import both, fitted
from lesson.data import CLASS_NAMES, CLASS_NAMES_ZH
from lesson.errors import LessonError
from lesson.model_files import MODEL_WORDS, MODELS_BEST_FIRST, load_trained_model
from lesson.names import (
    MODEL_FILE,
    OUTPUT_DIR,
    REPO,
)

import numpy as np

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7860
PORTS_TRIED = 100  # from --port on, the first free one is used
MAX_UPLOAD_MB = 20
ENLARGE = 10  # each of the 28x28 pixels shown as a 10x10 square
EXAMPLES = [
    REPO / "docs" / "images" / name
    for name in ("example_boot.jpg", "example_pullover.jpg", "example_shirt.jpg")
]


def model_choice(name):
    """'first_nn.py：全连接网络 / dense network': a lesson's model on the page."""
    script, chinese, english = MODEL_WORDS[name]
    return f"{script}：{chinese} / {english}"


# The lessons' models, the best first (the page starts with it): the choice
# shown on the page, by file in the output folder.
MODELS = tuple((model_choice(name), name) for name in MODELS_BEST_FIRST)
NO_MODEL = (
    "还没有训练好的模型：先运行 python first_nn.py（或者 python first_cnn.py）",
    "No trained model yet: run python first_nn.py (or python first_cnn.py) first",
)
# With the first lesson's model only: the command that adds a better one.
BETTER_MODEL = (
    "现在只有第一课的全连接网络。运行 python first_cnn.py（在 2 核 CPU 上大约一分钟）"
    "会加上第二课的卷积神经网络：测试集和真实照片上都更准，网页会自动改用它。",
    "Only the first lesson's dense network so far. python first_cnn.py (about a "
    "minute on a 2-core CPU) adds the second lesson's convolutional network, "
    "right more often on the test set and on real photos; the page then uses it.",
)
# Gradio and the Hugging Face library it uses reach the internet unless told not to.
OFFLINE_ENVIRONMENT = {
    "GRADIO_ANALYTICS_ENABLED": "False",
    "HF_HUB_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
}
# System fonts only: Chinese fonts are large, and a page that works offline
# cannot fetch web fonts.
SYSTEM_FONTS = (
    "system-ui",
    "-apple-system",
    "Segoe UI",
    "PingFang SC",
    "Microsoft YaHei",
    "Noto Sans CJK SC",
    "sans-serif",
)
MONOSPACE_FONTS = ("ui-monospace", "Consolas", "Menlo", "monospace")
# Where a system has no Chinese font, the browser draws boxes: the package to add.
FONT_NOTE = (
    "中文显示成方框？Linux 需要中文字体：Debian、Ubuntu 运行 "
    "`sudo apt install fonts-noto-cjk`，Fedora 运行 "
    "`sudo dnf install google-noto-sans-cjk-fonts`，然后刷新页面。",
    "Chinese shown as boxes? Linux needs a Chinese font: on Debian or Ubuntu "
    "`sudo apt install fonts-noto-cjk`, on Fedora "
    "`sudo dnf install google-noto-sans-cjk-fonts`, then reload the page.",
)
CSS = "#seen img { image-rendering: pixelated; }"  # sharp squares, not a blur


def bilingual(chinese, english):
    """Page text: Chinese, then English on the next line."""
    return f"{chinese}  \n{english}"


def class_label(index):
    """'Ankle boot（踝靴）': the bar's name on the page."""
    return f"{CLASS_NAMES[index]}（{CLASS_NAMES_ZH[index]}）"


def available_models(output_dir):
    """{choice: path} for the lessons' models that exist in output_dir."""
    return {
        choice: Path(output_dir) / name
        for choice, name in MODELS
        if (Path(output_dir) / name).is_file()
    }


def only_the_first_model(models):
    """True when the first lesson's model is the only one: a better one is a
    command away."""
    return [path.name for path in models.values()] == [MODEL_FILE]


def enlarge(picture, factor=ENLARGE):
    """Each pixel as a factor x factor square: no smoothing between pixels."""
    return np.repeat(np.repeat(picture, factor, axis=0), factor, axis=1)


class Classifier:
    """The page's work: a photo file and a model file -> what to show.

    Models are loaded once and kept; one answer is computed at a time.
    """

    def __init__(self):
        self._models = {}
        self._lock = threading.Lock()

    def model(self, path):
        path = Path(path)
        key = (path.resolve(), path.stat().st_mtime_ns if path.exists() else None)
        if key not in self._models:
            self._models[key] = load_trained_model(path)
        return self._models[key]

    def classify(self, photo_path, model_path):
        """(probabilities of the 10 classes, PreparedPhoto), or a LessonError."""
        size = Path(photo_path).stat().st_size if Path(photo_path).is_file() else 0
        if size > MAX_UPLOAD_MB * 1024 * 1024:
            raise LessonError(
                f"大于 {MAX_UPLOAD_MB} MB；换一张小一些的照片",
                f"larger than {MAX_UPLOAD_MB} MB; use a smaller photo",
                subject=photo_path,
            )
        with self._lock:
            model = self.model(model_path)
            prepared = photos.prepare_file(photo_path)
            probabilities = photos.photo_probabilities(model, [prepared])[0]
        return probabilities, prepared


def uploaded_file(upload):
    """(path on the server, name the learner's file had) from Gradio's file data."""
    if upload is None:
        return None, None
    path = upload.get("path")
    name = upload.get("orig_name") or (Path(path).name if path else "image")
    return path, name


def answer(classifier, output_dir, upload, choice):
    """The page's reply to a photo: (bars, 28x28 picture, message)."""
    if upload is None:
        return None, None, ""
    models = available_models(output_dir)
    if not models:
        return None, None, bilingual(*NO_MODEL)
    model_path = models.get(choice) or next(iter(models.values()))
    path, name = uploaded_file(upload)
    try:
        if path is None:
            raise LessonError(
                "上传没有完成；再试一次", "the upload did not arrive; try again", name
            )
        probabilities, prepared = classifier.classify(path, model_path)
    except LessonError as exc:
        # The message names the learner's file, not the server's copy of it.
        reason = str(exc).replace(str(path), name) if path else str(exc)
        return (
            None,
            None,
            f"**无法识别这个文件 / Cannot classify this file**  \n{reason}",
        )
    bars = {class_label(i): float(p) for i, p in enumerate(probabilities)}
    answered = next(choice for choice, path in models.items() if path == model_path)
    lines = [f"模型 / Model：{answered}"]
    lines += [
        bilingual(f"⚠️ {zh}", en)
        for zh, en in photos.note_lines(prepared, probabilities)
    ]
    return bars, enlarge(prepared.picture), "\n\n".join(lines)


def build_page(classifier, output_dir, top):
    """The Gradio page (not started)."""
    import gradio as gr

    models = available_models(output_dir)
    choices = list(models)
    with gr.Blocks(title="Fashion-MNIST", analytics_enabled=False) as page:
        gr.Markdown(
            "## 试试你自己的衣服照片 / Try the model on your own clothes\n"
            + bilingual(
                "上传照片、用摄像头拍一张，或者粘贴一张图片。右边是模型的答案，"
                "以及它实际看到的 28×28 图片。",
                "Upload a photo, take one with the camera, or paste one. On the "
                "right: the model's answer and the 28×28 picture it actually saw.",
            )
        )
        model_choice = gr.Radio(
            choices=choices,
            value=choices[0] if choices else None,
            label="模型 / Model",
        )
        no_model = gr.Markdown(bilingual(*NO_MODEL), visible=not choices)
        better_model = gr.Markdown(
            bilingual(*BETTER_MODEL),
            visible=only_the_first_model(models),
            elem_id="better-model",
        )
        with gr.Row():
            with gr.Column():
                photo = gr.Image(
                    sources=["upload", "webcam", "clipboard"],
                    type="filepath",
                    label="你的照片 / Your photo",
                    elem_id="photo",
                )
                gr.Examples(
                    examples=[[str(path)] for path in EXAMPLES if path.is_file()],
                    inputs=photo,
                    label="例子 / Examples",
                )
            with gr.Column():
                bars = gr.Label(
                    num_top_classes=top,
                    label="模型的答案 / The model's answer",
                    elem_id="bars",
                )
                seen = gr.Image(
                    label="模型看到的 28×28 图片 / The 28×28 picture the model saw",
                    format="png",
                    image_mode="L",
                    interactive=False,
                    buttons=["download", "fullscreen"],
                    elem_id="seen",
                )
                message = gr.Markdown(elem_id="message")
        gr.Markdown(bilingual(*FONT_NOTE), elem_id="font-note")

        def reply(upload, choice):
            return answer(classifier, output_dir, upload, choice)

        def refresh():
            """Models trained while the page was open appear on reloading it."""
            models = available_models(output_dir)
            found = list(models)
            return (
                gr.Radio(choices=found, value=found[0] if found else None),
                gr.Markdown(visible=not found),
                gr.Markdown(visible=only_the_first_model(models)),
            )

        # preprocess=False: the photo file reaches lesson/photos.py as uploaded,
        # so a bad file gets the support package's message.
        for event in (photo.change, model_choice.change):
            event(
                reply,
                inputs=[photo, model_choice],
                outputs=[bars, seen, message],
                preprocess=False,
                api_name="classify" if event == photo.change else False,
            )
        page.load(
            refresh, outputs=[model_choice, no_model, better_model], api_name=False
        )
    return page


IN_USE = {errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", errno.EADDRINUSE)}
# Linux and macOS say EACCES below port 1024; Windows says WSAEACCES for a port
# it reserves, at any number.
ACCESS_DENIED = {errno.EACCES, errno.EPERM, getattr(errno, "WSAEACCES", errno.EACCES)}
HOST_FIX = (
    "用 --host 127.0.0.1（只在这台电脑上）或 0.0.0.0（局域网里的设备也能访问）",
    "pass --host 127.0.0.1 (this computer) or 0.0.0.0 (your network)",
)


def can_listen(family, address, port, host):
    """True if a server can bind there; False if the port is taken or reserved."""
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((address[0], port, *address[2:]))
        except OSError as exc:
            if exc.errno in IN_USE:
                return False
            if exc.errno in ACCESS_DENIED or isinstance(exc, PermissionError):
                if port < 1024:
                    raise LessonError(
                        f"端口 {port} 需要管理员权限；用 --port 1024 或更大的端口",
                        f"port {port} needs administrator rights; "
                        "pass --port 1024 or above",
                    ) from None
                return False
            raise LessonError(
                f"无法在这里监听（{exc.strerror}）；{HOST_FIX[0]}",
                f"cannot listen there ({exc.strerror}); {HOST_FIX[1]}",
                subject=f"--host {host}",
            ) from None
    return True


def first_free_port(host, start, tries=PORTS_TRIED):
    """The first port from start on that every address of host can listen on."""
    try:
        found = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise LessonError(
            f"没有这个地址；{HOST_FIX[0]}",
            f"no such address; {HOST_FIX[1]}",
            subject=f"--host {host!r}",
        ) from None
    # "localhost" can be ::1 and 127.0.0.1: the port must be free on both.
    addresses = {(family, address) for family, _, _, _, address in found}
    end = min(start + tries, 65536)
    for port in range(start, end):
        if all(
            can_listen(family, address, port, host) for family, address in addresses
        ):
            return port
    raise LessonError(
        f"端口 {start}-{end - 1} 都被占用了；用 --port 换一个",
        f"ports {start}-{end - 1} are all in use; pass --port",
    )


def host_name(text):
    """argparse type: an address or name to listen on; not empty."""
    if not text.strip():
        raise argparse.ArgumentTypeError(
            "请给一个地址，比如 127.0.0.1 或 0.0.0.0 / "
            "give an address, e.g. 127.0.0.1 or 0.0.0.0"
        )
    if ":" in text:
        raise argparse.ArgumentTypeError(
            "网页只支持 IPv4 地址，比如 127.0.0.1 或 0.0.0.0 / "
            "the page serves IPv4 addresses only, e.g. 127.0.0.1 or 0.0.0.0"
        )
    return text.strip()


def port_number(text):
    """argparse type: a TCP port, 1-65535."""
    return whole_number(text, 1, 65535)


def add_models_argument(flags):
    """--output-dir: where the page finds the lessons' models."""
    flags.add_argument(
        "--output-dir",
        metavar="DIR",
        type=Path,
        default=OUTPUT_DIR,
        help="三课（first_nn.py、first_cnn.py、photo_cnn.py）保存模型的文件夹\n"
        "where the lessons (first_nn.py, first_cnn.py, photo_cnn.py) saved their "
        "models",
    )


def parse_args(argv=None):
    flags = parser(
        "一个本地网页，给你自己的衣物照片分类。\n"
        "A local web page that classifies your own clothing photos."
    )
    add_models_argument(flags)
    flags.add_argument(
        "--host",
        type=host_name,
        default=DEFAULT_HOST,
        help="监听的地址；0.0.0.0 让局域网里的其他设备也能访问\n"
        "address to listen on; 0.0.0.0 lets other devices on your network in",
    )
    flags.add_argument(
        "--port",
        metavar="N",
        type=port_number,
        default=DEFAULT_PORT,
        help="先试的端口；从它开始用第一个空闲的端口\n"
        "port to try first; the first free one from there is used",
    )
    flags.add_argument(
        "--top",
        metavar="K",
        type=lambda text: whole_number(text, 1, len(CLASS_NAMES)),
        default=3,
        help="用条形显示几个类别\nhow many classes to show as bars",
    )
    flags.add_argument(
        "--no-browser",
        action="store_true",
        help="不要在浏览器里打开网页\ndo not open the page in a browser",
    )
    backends.add_backend_argument(flags)
    args = flags.parse_args(argv)
    backends.use(args.backend)
    return args


def warm_up(classifier, output_dir):
    """Load the models now and answer once, so the first photo is quick."""
    example = next((path for path in EXAMPLES if path.is_file()), None)
    for model_path in available_models(output_dir).values():
        classifier.model(model_path)
        if example is not None:
            classifier.classify(example, model_path)


def announce(url, host):
    """Print the address, and what listening on every address means."""
    print(both(f"网页地址：{url}", f"The page: {url}"), flush=True)
    if host not in ("127.0.0.1", "localhost"):
        print(
            both(
                "注意：同一网络里的任何人都能打开并使用这个网页。在手机浏览器里打开 "
                f"http://<这台电脑的 IP 地址>:{url.rsplit(':', 1)[1]}；在普通的 "
                "http 网页上，手机可以通过“上传”按钮拍照，但不能使用实时摄像头画面。",
                "warning: anyone on this network can open and use the page. On a "
                f"phone, open http://<this computer's IP address>:"
                f"{url.rsplit(':', 1)[1]}; over plain http the phone offers its "
                "camera through the upload button, but not the live webcam view.",
            ),
            flush=True,
        )
    print(both("按 Ctrl-C 停止。", "Press Ctrl-C to stop."), flush=True)


def serve(args):
    if importlib.util.find_spec("gradio") is None:
        raise LessonError(
            "网页需要 Gradio，还没有安装；运行 "
            "python -m pip install -r requirements-app.txt",
            "the web page needs Gradio, which is not installed; run "
            "python -m pip install -r requirements-app.txt",
        )
    if args.output_dir.exists() and not args.output_dir.is_dir():
        raise LessonError(
            "是文件，不是文件夹；给 --output-dir 传课程保存模型的文件夹",
            "is a file, not a folder; pass --output-dir the folder "
            "the lessons saved their models in",
            subject=args.output_dir,
        )
    models = available_models(args.output_dir) if args.output_dir.is_dir() else {}
    if not models:
        print(fitted(*NO_MODEL), flush=True)
    elif only_the_first_model(models):
        print(fitted(*BETTER_MODEL), flush=True)
    port = first_free_port(args.host, args.port)
    classifier = Classifier()
    warm_up(classifier, args.output_dir)
    os.environ.update(OFFLINE_ENVIRONMENT)
    with startup.quiet_tensorflow_startup():  # Gradio imports many libraries
        import gradio as gr

    page = build_page(classifier, args.output_dir, args.top)
    page.queue(default_concurrency_limit=1)
    try:
        page.launch(
            server_name=args.host,
            server_port=port,
            theme=gr.themes.Default(font=SYSTEM_FONTS, font_mono=MONOSPACE_FONTS),
            css=CSS,
            max_file_size=f"{MAX_UPLOAD_MB}mb",
            allowed_paths=[str(path) for path in EXAMPLES],
            prevent_thread_lock=True,
            quiet=True,
            show_error=True,
            footer_links=["api"],
        )
    except OSError as exc:  # taken between the check and now, say
        raise LessonError(
            f"无法在 {args.host}:{port} 上提供网页（{exc.strerror or exc}）；"
            "用 --port 换一个端口",
            f"cannot serve the page on {args.host}:{port} ({exc.strerror or exc}); "
            "pass another --port",
        ) from None
    url = f"http://{'127.0.0.1' if args.host == '0.0.0.0' else args.host}:{port}"
    try:
        announce(url, args.host)
        if not args.no_browser:
            webbrowser.open(url)
        while True:
            time.sleep(1)
    except KeyboardInterrupt:
        print(both("已停止。", "Stopped."), flush=True)
    finally:
        page.close(verbose=False)
    return 0


def main(argv=None):
    """Serve the page until Ctrl-C; exit status 1 after an 'error:' line."""
    console.make_safe()
    return errors.guard(lambda: serve(parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
