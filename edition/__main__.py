"""``python -m edition`` runs the command-line tool."""

from __future__ import annotations

import sys

from edition.cli import main

sys.exit(main())
