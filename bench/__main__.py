"""``make bench``: print every benchmark figure the issues ask for (medians of several runs).

``python -m bench [group ...]``; a group's module is imported only when that group runs."""

import importlib
import logging
import sys

GROUPS = ("core", "model", "finder", "networks", "onnx_zoo", "pages", "whatif", "load", "measure")


def main() -> None:
    logging.disable(logging.WARNING)  # AppTest's bare-mode warnings
    chosen = sys.argv[1:] or list(GROUPS)
    unknown = [name for name in chosen if name not in GROUPS]
    if unknown:
        sys.exit(f"unknown benchmark group(s) {', '.join(unknown)}; choose from {', '.join(GROUPS)}")
    print(f"{'benchmark':72} {'median':>10}  target")
    for name in chosen:
        for label, value, target in importlib.import_module(f"bench.{name}").run():
            print(f"{label:72} {value:>10}  {target}", flush=True)


if __name__ == "__main__":
    main()
