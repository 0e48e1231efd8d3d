bin_PROGRAMS += ra/ra
ra_ra_SOURCES = ra/ra.c ra/rarc.c ra/rarc.h ra/remote.c ra/remote.h ra/timerange.c ra/timerange.h \
	plugins/outputs/common/raview.h
ra_ra_LDADD = core/libargus.la plugins/outputs/common/liboutbuf.la
