# Filter modules: plugins/filters/NAME.la built from plugins/filters/NAME/.
pluginfilters_LTLIBRARIES += plugins/filters/ra.la

plugins_filters_ra_la_SOURCES = plugins/filters/ra/ra.c plugins/filters/ra/lexer.c \
	plugins/filters/ra/lexer.h plugins/filters/ra/parser.c plugins/filters/ra/eval.c \
	plugins/filters/ra/ast.h
plugins_filters_ra_la_LDFLAGS = $(PLUGIN_LDFLAGS)
