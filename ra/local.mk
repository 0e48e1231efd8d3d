bin_PROGRAMS += ra/ra
ra_ra_SOURCES = ra/ra.c ra/rarc.c ra/rarc.h
ra_ra_LDADD = core/libargus.la
