"""Run the settlement command line: `python -m settlement evaluate FILE`."""
import sys

from .cli import main

sys.exit(main())
