"""Tooling shared by the browser tests and the benchmarks (not part of dlskills): ``lab``
drives a throwaway JupyterLab in headless Chromium; ``statuses`` builds the statuses an
explorer is expected to show from the message catalogue."""
