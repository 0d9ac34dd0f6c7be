/* Signal names as kill(1) and runc take them. */
#ifndef HUSK_SIGNALS_H
#define HUSK_SIGNALS_H

/* Number of "KILL", "SIGKILL", "kill", "9", "RTMIN+2"; -1 when unknown. */
int signal_from_name(const char *name);

#endif
