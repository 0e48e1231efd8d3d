# libargus: what argus and ra share (registry, field table, configuration,
# logging, dissector, flow table), and the argus program.
lib_LTLIBRARIES += core/libargus.la
core_libargus_la_SOURCES = \
	core/log.c core/log.h \
	core/conf.c core/conf.h \
	core/cmdline.c core/cmdline.h \
	core/registry.c core/registry.h \
	core/host.c core/host.h \
	core/fieldtab.c core/fieldtab.h \
	core/fieldfmt.c \
	core/progress.c core/progress.h \
	core/outsink.c core/outsink.h \
	core/srcid.c core/srcid.h \
	core/hostport.c core/hostport.h \
	core/dissect.c core/dissect.h \
	core/isis.c core/isis.h core/hugemem.c core/hugemem.h \
	core/flowtable.c core/flowtable.h core/share.h \
	core/flowmetrics.c core/flowmetrics.h
core_libargus_la_CFLAGS = $(AM_CFLAGS) $(PCAP_CFLAGS)
core_libargus_la_LIBADD = $(LTDL_LIBS) $(PCAP_LIBS) -lm
core_libargus_la_LDFLAGS = -version-info 0:0:0 -no-undefined -export-symbols-regex '^argus_'

sbin_PROGRAMS += core/argus
core_argus_SOURCES = core/argus.c core/capture.c core/capture.h core/monitor.c core/monitor.h \
	core/pcapfile.c core/pcapfile.h \
	core/daemon.c core/daemon.h core/ifspec.c core/ifspec.h \
	core/netacl.c core/netacl.h core/remotecmd.c core/remotecmd.h core/server.c core/server.h \
	core/udppush.c core/udppush.h core/workers.c core/workers.h
core_argus_CFLAGS = $(AM_CFLAGS) $(PCAP_CFLAGS) -pthread
core_argus_LDADD = core/libargus.la $(PCAP_LIBS) -lpthread
