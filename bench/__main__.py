"""``make bench``: print every benchmark figure the issues ask for."""

from bench import core


def main() -> None:
    print(f"{'benchmark':64} {'median':>10}  target")
    for name, value, target in core.run():
        print(f"{name:64} {value:>10}  {target}")


if __name__ == "__main__":
    main()
