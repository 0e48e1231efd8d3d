# Output modules: plugins/outputs/NAME.la built from plugins/outputs/NAME/.
# plugins/outputs/common/ holds helpers shared by the output modules, linked
# into each as a convenience library (its symbols stay private to the module):
# the buffered writer, and the services names (text output, ra's filter).
noinst_LTLIBRARIES += plugins/outputs/common/liboutbuf.la
plugins_outputs_common_liboutbuf_la_SOURCES = plugins/outputs/common/outbuf.c \
	plugins/outputs/common/outbuf.h plugins/outputs/common/services.c \
	plugins/outputs/common/services.h

pluginoutputs_LTLIBRARIES += plugins/outputs/binary.la plugins/outputs/csv.la \
	plugins/outputs/json.la plugins/outputs/text.la

plugins_outputs_binary_la_SOURCES = plugins/outputs/binary/binary.c \
	plugins/outputs/binary/wire.h plugins/outputs/binary/encode.c \
	plugins/outputs/binary/decode.c
plugins_outputs_binary_la_CFLAGS = $(AM_CFLAGS) $(ZLIB_CFLAGS)
plugins_outputs_binary_la_LIBADD = $(ZLIB_LIBS)
plugins_outputs_binary_la_LDFLAGS = $(PLUGIN_LDFLAGS)

plugins_outputs_csv_la_SOURCES = plugins/outputs/csv/csv.c
plugins_outputs_csv_la_LIBADD = plugins/outputs/common/liboutbuf.la
plugins_outputs_csv_la_LDFLAGS = $(PLUGIN_LDFLAGS)

# JSON is written by hand into the output buffer (no allocation per
# record); jansson checks it in the unit tests.
plugins_outputs_json_la_SOURCES = plugins/outputs/json/json.c
plugins_outputs_json_la_LIBADD = plugins/outputs/common/liboutbuf.la
plugins_outputs_json_la_LDFLAGS = $(PLUGIN_LDFLAGS)

plugins_outputs_text_la_SOURCES = plugins/outputs/text/text.c plugins/outputs/common/raview.h
plugins_outputs_text_la_LIBADD = plugins/outputs/common/liboutbuf.la
plugins_outputs_text_la_LDFLAGS = $(PLUGIN_LDFLAGS)
