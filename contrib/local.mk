# contrib: example sensor configuration, systemd unit and logrotate file,
# installed as documentation, and the argus.conf(5) manual page.
examplesdir = $(docdir)/examples
dist_examples_DATA = contrib/argus.conf contrib/argus.service contrib/argus.logrotate
EXTRA_DIST += contrib/README.md
dist_man_MANS += man/argus.conf.5
