"""nbgrader settings every server on the class's hub reads (jupyterhub_config.py puts this
folder on JUPYTER_CONFIG_PATH): the course's id, as tools/make_course.py writes it, and the
exchange folder through which the teacher releases and collects assignments and students
fetch and submit them (JupyterLab: Nbgrader → Assignment List). The folder must exist,
writable by everyone: mkdir -p /srv/nbgrader/exchange && chmod 1777 /srv/nbgrader/exchange
"""
import os

c = get_config()  # noqa: F821 (nbgrader provides it)
c.CourseDirectory.course_id = "dlskills"
c.Exchange.root = os.environ.get("DLSKILLS_HUB_EXCHANGE", "/srv/nbgrader/exchange")
