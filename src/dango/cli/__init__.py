"""The thin command-line layer: parse arguments, call the library, print.

Importing it sets one process-wide setting for the `dango` command: the cyclic garbage
collector runs far less often. Start-up creates tens of thousands of objects (click, the
YAML and TOML readers, the registry) and none of them is garbage, yet at the default
threshold (700 allocations) the collector walks them again and again: about 5% of a
credential command's start-up. Reference counting still frees at once everything that is
not in a cycle, so memory stays flat.
"""

import gc

gc.set_threshold(50_000, 10, 10)
