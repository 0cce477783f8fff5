"""`python -m colorseg_gui [FILES]` starts the desktop app."""

import multiprocessing

from colorseg_gui.gui.app import main

if __name__ == "__main__":
    # In the frozen app a batch worker is this same executable started again: freeze_support
    # runs the worker and exits instead of opening a second window.
    multiprocessing.freeze_support()
    raise SystemExit(main())
