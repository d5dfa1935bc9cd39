"""Tooling shared by the browser tests and the benchmarks (not part of dlskills): ``lab``
drives a throwaway JupyterLab in headless Chromium; ``voila`` the lecture page;
``hub`` the course's JupyterHub deployment with a class of students on 127.0.0.1;
``procs`` reads a server's process tree (peak memory, CPU seconds) for ``hub``,
``voila`` and the memory benchmarks; ``layout`` finds overlapping or cut-off text in a figure;
``statuses`` builds the statuses an explorer is expected to show from the message
catalogue."""
