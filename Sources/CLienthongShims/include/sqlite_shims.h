#ifndef CLIENTHONG_SQLITE_SHIMS_H
#define CLIENTHONG_SQLITE_SHIMS_H
#include <sqlite3.h>

/// Binds text that SQLite copies before returning (SQLITE_TRANSIENT is a macro cast).
int lt_sqlite3_bind_text_transient(sqlite3_stmt *stmt, int index, const char *text, int length);
/// Binds a blob that SQLite copies before returning.
int lt_sqlite3_bind_blob_transient(sqlite3_stmt *stmt, int index, const void *bytes, int length);
#endif
