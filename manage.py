#!/usr/bin/env python
from hocvuso.cli import main

if __name__ == "__main__":
    main()
