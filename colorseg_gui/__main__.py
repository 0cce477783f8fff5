"""`python -m colorseg_gui [FILES]` starts the desktop app."""

from colorseg_gui.gui.app import main

raise SystemExit(main())
