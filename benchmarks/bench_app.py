"""How fast and how steady the web page (app.py) answers.

    python -m benchmarks.bench_app [--output-dir outputs] [--photo PHOTO] [--repeats 20] [--concurrent 20]

Starts python app.py --no-browser on a free port, sends a phone-sized photo
through gradio_client (as the page's own upload does) and prints the median
time from upload to answer after the first request, next to the same answer
computed directly in this process (lesson/photos.py, no web page) as the
baseline. Then sends --concurrent requests at once (the README's example
photos and the phone photo in turn) and checks that each answer is the
class the direct computation gives for that file.
"""

import statistics
import sys
import tempfile
import time
from pathlib import Path

from lesson import console, errors, photos
from lesson.arguments import parser, positive_int
from lesson.errors import LessonError
from lesson.model_files import load_trained_model
from lesson.names import REPO

from app import add_models_argument
from tooling.shared import PHONE_SIZE, phone_photo, start_app, stop_app, top_class


def measure(args):
    from gradio_client import Client, handle_file

    from app import Classifier, answer, available_models

    models = available_models(args.output_dir)
    if not models:
        raise LessonError(
            f"no trained model in {args.output_dir}; run python first_nn.py first"
        )
    choice, model_path = next(iter(models.items()))
    load_trained_model(model_path)
    if args.photo:
        photos.open_image(args.photo)  # a LessonError for a file the page would refuse
    with tempfile.TemporaryDirectory() as folder:
        photo = Path(args.photo) if args.photo else phone_photo(folder)
        files = [photo, *sorted((REPO / "docs" / "images").glob("example_*.jpg"))]
        classifier = Classifier()
        expected = {}
        for path in files:
            expected[path] = top_class(
                answer(classifier, args.output_dir, {"path": str(path)}, choice)
            )
        direct = []
        for _ in range(args.repeats):
            started = time.perf_counter()
            answer(classifier, args.output_dir, {"path": str(photo)}, choice)
            direct.append(time.perf_counter() - started)

        process, url = start_app("--output-dir", args.output_dir)
        try:
            client = Client(url, verbose=False, download_files=False)

            def ask(path):
                return client.predict(
                    handle_file(str(path)), choice, api_name="/classify"
                )

            started = time.perf_counter()
            first = ask(photo)
            first_seconds = time.perf_counter() - started
            page = []
            for _ in range(args.repeats):
                started = time.perf_counter()
                ask(photo)
                page.append(time.perf_counter() - started)
            sent = [files[i % len(files)] for i in range(args.concurrent)]
            started = time.perf_counter()
            jobs = [
                client.submit(handle_file(str(path)), choice, api_name="/classify")
                for path in sent
            ]
            answers = [job.result(timeout=300) for job in jobs]
            concurrent_seconds = time.perf_counter() - started
        finally:
            stop_app(process)

    right = sum(top_class(a) == expected[path] for a, path in zip(answers, sent))
    page_median, direct_median = statistics.median(page), statistics.median(direct)
    print(f"model: {model_path}")
    print(
        f"photo: {args.photo or 'example_boot.jpg enlarged to %dx%d JPEG' % PHONE_SIZE}"
    )
    print(f"answer: {top_class(first)} (direct: {expected[photo]})")
    print(f"first request: {1000 * first_seconds:.0f} ms")
    print(
        f"upload to answer, median of {args.repeats} after the first: "
        f"{1000 * page_median:.0f} ms (min {1000 * min(page):.0f}, max {1000 * max(page):.0f})"
    )
    print(
        f"the same answer computed in this process, median: {1000 * direct_median:.0f} ms; "
        f"page / direct = {page_median / direct_median:.2f}"
    )
    print(
        f"{args.concurrent} requests at once: {right}/{args.concurrent} right, "
        f"all answered in {concurrent_seconds:.1f} s"
    )
    return 0 if right == args.concurrent else 1


def parse_args(argv=None):
    flags = parser("Time the web page's answers and send it concurrent requests.")
    add_models_argument(flags)  # the first model found is timed
    flags.add_argument(
        "--photo",
        metavar="PATH",
        default=None,
        help="the photo to time (default: example_boot.jpg enlarged to a "
        "12-megapixel JPEG)",
    )
    flags.add_argument(
        "--repeats",
        metavar="N",
        type=positive_int,
        default=20,
        help="timed requests after the first",
    )
    flags.add_argument(
        "--concurrent",
        metavar="N",
        type=positive_int,
        default=20,
        help="requests sent at once",
    )
    return flags.parse_args(argv)


def main(argv=None):
    console.make_safe()  # the output may quote Chinese paths and labels
    return errors.guard(lambda: measure(parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
