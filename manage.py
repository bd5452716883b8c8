#!/usr/bin/env python
from leora.cli import main

if __name__ == "__main__":
    main()
