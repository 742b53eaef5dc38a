"""Exposure detection (SPEC section 7): find this project's secrets and provider
credentials in the working tree, the staged changes and all of git history.

    from dango.scan.run import ScanOptions, run_scan
"""
