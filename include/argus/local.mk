# The installed plugin SDK.
argusincludedir = $(includedir)/argus
argusinclude_HEADERS = \
	include/argus/plugin.h \
	include/argus/record.h \
	include/argus/packet.h \
	include/argus/field.h
