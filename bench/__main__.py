"""``make bench``: print every benchmark figure the issues ask for (medians of several runs)."""

import logging
import sys

from bench import core, pages, whatif


def main() -> None:
    logging.disable(logging.WARNING)  # AppTest's bare-mode warnings
    groups = {"core": core.run, "pages": pages.run, "whatif": whatif.run}
    chosen = sys.argv[1:] or list(groups)
    print(f"{'benchmark':72} {'median':>10}  target")
    for name in chosen:
        for label, value, target in groups[name]():
            print(f"{label:72} {value:>10}  {target}", flush=True)


if __name__ == "__main__":
    main()
