dist_man_MANS += man/argus.8 man/ra.1 man/argus-plugins.7
