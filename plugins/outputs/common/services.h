/* services: TCP and UDP port names from the services database, read once.
 *
 * getservbyport(3) reads /etc/services from the top for every call; with a
 * new client port on nearly every record that dominated ra's run time.
 * Here the database is walked once (getservent_r, so nsswitch.conf's
 * sources are honoured) on the first look-up, into a small hash table
 * and one pool of names.  The first entry for a port and protocol
 * wins, as with getservbyport.  The table is per process (per copy of this
 * code: each output module and the ra program have their own) and not
 * thread-safe; the programs print from one thread. */
#ifndef ARGUS_PLUGINS_OUTPUTS_SERVICES_H
#define ARGUS_PLUGINS_OUTPUTS_SERVICES_H

/* The official name of PORT for PROTO (6 TCP, 17 UDP), or NULL when the
 * database has none (or could not be read). */
const char *argus_service_name(unsigned proto, unsigned port);

/* Free the table (a module's fini); the next look-up reads it again. */
void argus_services_release(void);

#endif
