# Decoder modules: plugins/decoders/NAME.la built from plugins/decoders/NAME/.
plugindecoders_LTLIBRARIES += plugins/decoders/tcp.la plugins/decoders/udp.la \
	plugins/decoders/icmp.la plugins/decoders/arp.la plugins/decoders/igmp.la \
	plugins/decoders/esp.la

plugins_decoders_tcp_la_SOURCES = plugins/decoders/tcp/tcp.c
plugins_decoders_tcp_la_LDFLAGS = $(PLUGIN_LDFLAGS)

plugins_decoders_udp_la_SOURCES = plugins/decoders/udp/udp.c
plugins_decoders_udp_la_LDFLAGS = $(PLUGIN_LDFLAGS)

plugins_decoders_icmp_la_SOURCES = plugins/decoders/icmp/icmp.c
plugins_decoders_icmp_la_LDFLAGS = $(PLUGIN_LDFLAGS)

plugins_decoders_arp_la_SOURCES = plugins/decoders/arp/arp.c
plugins_decoders_arp_la_LDFLAGS = $(PLUGIN_LDFLAGS)

plugins_decoders_igmp_la_SOURCES = plugins/decoders/igmp/igmp.c
plugins_decoders_igmp_la_LDFLAGS = $(PLUGIN_LDFLAGS)

plugins_decoders_esp_la_SOURCES = plugins/decoders/esp/esp.c
plugins_decoders_esp_la_LDFLAGS = $(PLUGIN_LDFLAGS)
