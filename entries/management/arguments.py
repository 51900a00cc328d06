"""Argument types shared by the management commands."""


def positive_int(value: str) -> int:
    """An ``argparse`` type: a whole number of at least 1 (argparse words the error)."""
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


def add_repeat(parser, *, default: int, each: str) -> None:
    """``--repeat``, as the benchmarks take it: timed runs ``each`` ("per input")."""
    parser.add_argument(
        "--repeat",
        type=positive_int,
        default=default,
        help=f"Timed runs {each}, after one warm-up (default {default}).",
    )
