"""`locklint` and `python -m locklint`."""

from ._launcher import main

if __name__ == "__main__":
    main()
