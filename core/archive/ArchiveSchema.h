#pragma once
// The archive's SQLite schema and its migrations (PRAGMA user_version = schema version).
// Private to core/archive.
#include <filesystem>

namespace SQLite { class Database; }

namespace crowlingo {

void createSchema(SQLite::Database& db);
// Brings an archive of an older schema to the current one; refuses a newer one with a clear error.
void migrateSchema(SQLite::Database& db, const std::filesystem::path& file);
// For a read-only connection: throws ArchiveError unless it can read the schema without migrating
// it (the current one, or an older one that lacks only optional tables).
void requireCurrentSchema(SQLite::Database& db, const std::filesystem::path& file);

} // namespace crowlingo
