//! The fact cache: `ModuleFacts` per file, keyed by an xxh3 hash of the file's dialect and
//! content, so an unchanged file is never parsed twice.
//!
//! One pack file per audited root lives in the user's cache directory (never inside the
//! audited tree). A pack is read whole, checked (magic, format stamp, length, checksum) and
//! otherwise ignored; it is rewritten through a temporary file and a rename, so concurrent
//! runs each see either the old or the new pack, never half of one.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use xxhash_rust::xxh3::{xxh3_64, xxh3_128};

use crate::discover::Dialect;
use crate::error::{Error, Result};
use crate::facts::ModuleFacts;

const MAGIC: &[u8; 8] = b"TAFACTS\0";
/// Bump when the pack layout changes.
const PACK_FORMAT: u32 = 2;
const HEADER_LEN: usize = 8 + 4 + 16 + 8 + 8;

/// The cache directory used when none is given: `<platform cache dir>/treeaudit`.
pub fn default_dir() -> Option<PathBuf> {
    dirs::cache_dir().map(|d| d.join("treeaudit"))
}

/// Whether `dir` is `root` or inside it (a cache there would write into the audited tree).
pub fn is_inside(dir: &Path, root: &Path) -> bool {
    let canonical = |p: &Path| {
        // The cache dir may not exist yet: canonicalize its nearest existing ancestor.
        let mut existing = p.to_path_buf();
        let mut rest = Vec::new();
        while !existing.exists() {
            match (existing.file_name(), existing.parent()) {
                (Some(name), Some(parent)) => {
                    rest.push(name.to_os_string());
                    existing = parent.to_path_buf();
                }
                _ => break,
            }
        }
        let mut out = existing.canonicalize().unwrap_or(existing);
        for part in rest.into_iter().rev() {
            out.push(part);
        }
        out
    };
    let absolute = |p: &Path| {
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir().map_or(p.to_path_buf(), |cwd| cwd.join(p))
        }
    };
    canonical(&absolute(dir)).starts_with(canonical(&absolute(root)))
}

/// What invalidates every entry: treeaudit's version, the grammars, the extraction walk and the
/// shape of `ModuleFacts`.
pub(crate) fn format_stamp() -> u128 {
    static STAMP: OnceLock<u128> = OnceLock::new();
    *STAMP.get_or_init(|| {
        let mut text = format!(
            "treeaudit {} pack {PACK_FORMAT} tree-sitter {}\n",
            env!("CARGO_PKG_VERSION"),
            tree_sitter::LANGUAGE_VERSION
        );
        for dialect in [Dialect::JavaScript, Dialect::TypeScript, Dialect::Tsx] {
            // The language only.
            let language = crate::parse::language(dialect);
            let metadata = language.metadata().map(|m| {
                format!(
                    "{}.{}.{}",
                    m.major_version, m.minor_version, m.patch_version
                )
            });
            text.push_str(&format!(
                "{dialect:?} abi {} kinds {} fields {} version {metadata:?}\n",
                language.abi_version(),
                language.node_kind_count(),
                language.field_count(),
            ));
        }
        text.push_str(crate::parse::EXTRACTION_SOURCE);
        // Field names of the facts: a new field invalidates entries written without it.
        text.push_str(&serde_json::to_string(&ModuleFacts::default()).unwrap_or_default());
        xxh3_128(text.as_bytes())
    })
}

/// The cache key of a file: its dialect and content.
pub fn key(dialect: Dialect, bytes: &[u8]) -> u128 {
    let tag: u8 = match dialect {
        Dialect::JavaScript => 0,
        Dialect::TypeScript => 1,
        Dialect::Tsx => 2,
        Dialect::Vue => 3,
        Dialect::Svelte => 4,
        Dialect::Astro => 5,
        Dialect::Mdx => 6,
    };
    let seed = xxh3_128(&[tag]);
    xxh3_128(bytes) ^ seed.rotate_left(1)
}

/// The facts pack of one audited root.
pub struct FactCache {
    path: PathBuf,
    data: Vec<u8>,
    index: HashMap<u128, Range<usize>>,
}

/// An entry produced during a run, to write back.
pub struct CacheEntry {
    /// The file's key.
    pub key: u128,
    /// The encoded facts; `None` for a hit, whose bytes are copied from the old pack only
    /// if the pack is rewritten.
    pub bytes: Option<Vec<u8>>,
}

impl FactCache {
    /// Opens the pack for `root` under `dir`. A missing, foreign, truncated or corrupt pack
    /// yields an empty cache (it is rebuilt at the end of the run).
    pub fn open(dir: &Path, root: &Path) -> FactCache {
        let name = format!("{:016x}.pack", xxh3_64(root.to_string_lossy().as_bytes()));
        let path = dir.join(format!("facts-v{PACK_FORMAT}")).join(name);
        // Only a regular file is read: a pack replaced by a link to `/dev/zero` or a named
        // pipe would never end or never start.
        let data = crate::discover::read_regular_file_unrecorded(&path, MAX_PACK_BYTES)
            .unwrap_or_default();
        let index = read_index(&data).unwrap_or_default();
        FactCache { path, data, index }
    }

    /// Where the pack lives.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// How many entries the pack held when opened.
    pub fn len(&self) -> usize {
        self.index.len()
    }

    /// Whether the pack held no entries.
    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    /// The cached facts, when present and decodable.
    pub fn get(&self, key: u128) -> Option<ModuleFacts> {
        postcard::from_bytes(self.raw(key)?).ok()
    }

    fn raw(&self, key: u128) -> Option<&[u8]> {
        self.data.get(self.index.get(&key)?.clone())
    }

    /// Encodes facts for [`FactCache::write`].
    pub fn encode(key: u128, facts: &ModuleFacts) -> Option<CacheEntry> {
        postcard::to_stdvec(facts).ok().map(|bytes| CacheEntry {
            key,
            bytes: Some(bytes),
        })
    }

    /// Whether this run's entries differ from the pack's (only then is it rewritten).
    pub fn needs_write(&self, entries: &[CacheEntry], misses: usize) -> bool {
        if misses > 0 {
            return true;
        }
        // Every key was found in the pack, so the pack holds exactly these entries when the
        // counts agree. Identical files share a key: counted once, or a tree with two equal
        // files would rewrite its pack on every warm run.
        let distinct: std::collections::HashSet<u128> = entries.iter().map(|e| e.key).collect();
        distinct.len() != self.index.len()
    }

    /// Replaces the pack with `entries` (sorted by key for a deterministic file).
    pub fn write(&self, mut entries: Vec<CacheEntry>) -> Result<()> {
        entries.sort_by_key(|e| e.key);
        entries.dedup_by_key(|e| e.key);
        let mut payload = Vec::new();
        for entry in &entries {
            let Some(bytes) = entry.bytes.as_deref().or_else(|| self.raw(entry.key)) else {
                continue;
            };
            payload.extend_from_slice(&entry.key.to_le_bytes());
            payload.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
            payload.extend_from_slice(bytes);
        }
        let mut file = Vec::with_capacity(HEADER_LEN + payload.len());
        file.extend_from_slice(MAGIC);
        file.extend_from_slice(&PACK_FORMAT.to_le_bytes());
        file.extend_from_slice(&format_stamp().to_le_bytes());
        file.extend_from_slice(&(payload.len() as u64).to_le_bytes());
        file.extend_from_slice(&xxh3_64(&payload).to_le_bytes());
        file.extend_from_slice(&payload);
        let dir = self.path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        remove_stale_temporaries(dir);
        crate::baseline::write_atomically(&self.path, &file)
    }
}

/// The largest pack read (a 10k-file tree's pack is a few megabytes).
const MAX_PACK_BYTES: u64 = 1024 * 1024 * 1024;
/// A temporary older than this belongs to a run that was killed before its rename.
const STALE_TEMPORARY: std::time::Duration = std::time::Duration::from_secs(3600);

/// Deletes `.tmp*` files a killed run left beside the packs. A temporary younger than an hour
/// may belong to a run still writing, so it is left alone.
fn remove_stale_temporaries(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let is_temporary = entry
            .file_name()
            .to_str()
            .is_some_and(|n| n.starts_with(".tmp"));
        let stale = entry.metadata().is_ok_and(|m| {
            m.is_file()
                && m.modified()
                    .ok()
                    .and_then(|t| t.elapsed().ok())
                    .is_some_and(|age| age > STALE_TEMPORARY)
        });
        if is_temporary && stale {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

fn read_index(data: &[u8]) -> Option<HashMap<u128, Range<usize>>> {
    let header = data.get(..HEADER_LEN)?;
    if &header[..8] != MAGIC
        || u32::from_le_bytes(header[8..12].try_into().ok()?) != PACK_FORMAT
        || u128::from_le_bytes(header[12..28].try_into().ok()?) != format_stamp()
    {
        return None;
    }
    let len = u64::from_le_bytes(header[28..36].try_into().ok()?) as usize;
    let checksum = u64::from_le_bytes(header[36..44].try_into().ok()?);
    let payload = data.get(HEADER_LEN..)?;
    if payload.len() != len || xxh3_64(payload) != checksum {
        return None;
    }
    let mut index = HashMap::new();
    let mut at = HEADER_LEN;
    while at < data.len() {
        let key = u128::from_le_bytes(data.get(at..at + 16)?.try_into().ok()?);
        let size = u32::from_le_bytes(data.get(at + 16..at + 20)?.try_into().ok()?) as usize;
        let start = at + 20;
        let end = start.checked_add(size)?;
        data.get(start..end)?;
        index.insert(key, start..end);
        at = end;
    }
    Some(index)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse_module;

    fn entry(source: &str) -> (u128, ModuleFacts) {
        let facts = parse_module(Dialect::JavaScript, source.as_bytes());
        (key(Dialect::JavaScript, source.as_bytes()), facts)
    }

    #[test]
    fn facts_round_trip_through_a_pack() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (k, facts) = entry("import { a } from './a.js';\nexport const b = 1;\n");
        let cache = FactCache::open(dir.path(), Path::new("/project"));
        assert!(cache.is_empty());
        let encoded = FactCache::encode(k, &facts).expect("encodes");
        cache.write(vec![encoded]).expect("writes");
        let reopened = FactCache::open(dir.path(), Path::new("/project"));
        assert_eq!(reopened.len(), 1);
        assert_eq!(reopened.get(k), Some(facts));
    }

    #[test]
    fn identical_files_do_not_make_a_warm_run_rewrite_the_pack() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = Path::new("/audited/tree");
        let (key, facts) = entry("import a from './a.js';\n");
        let cache = FactCache::open(dir.path(), root);
        let fresh = FactCache::encode(key, &facts).expect("encodes");
        cache.write(vec![fresh]).expect("writes");
        let warm = FactCache::open(dir.path(), root);
        // Two files with the same content: two hits on one key.
        let hits = vec![
            CacheEntry { key, bytes: None },
            CacheEntry { key, bytes: None },
        ];
        assert!(!warm.needs_write(&hits, 0));
        assert!(warm.needs_write(&hits, 1));
        assert!(
            warm.needs_write(&[], 0),
            "a file gone from the tree shrinks the pack"
        );
    }

    #[test]
    fn a_truncated_or_flipped_pack_is_ignored() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (k, facts) = entry("import x from 'x';\n");
        let cache = FactCache::open(dir.path(), Path::new("/p"));
        cache
            .write(vec![FactCache::encode(k, &facts).expect("encodes")])
            .expect("writes");
        let bytes = std::fs::read(cache.path()).expect("pack exists");
        std::fs::write(cache.path(), &bytes[..bytes.len() - 3]).expect("truncate");
        assert!(FactCache::open(dir.path(), Path::new("/p")).is_empty());
        let mut flipped = bytes.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 0xff;
        std::fs::write(cache.path(), &flipped).expect("flip");
        assert!(FactCache::open(dir.path(), Path::new("/p")).is_empty());
    }

    #[test]
    fn the_same_bytes_in_another_dialect_is_another_key() {
        let bytes = b"let a = <T>(x: T) => x;";
        assert_ne!(key(Dialect::TypeScript, bytes), key(Dialect::Tsx, bytes));
    }

    #[test]
    fn a_cache_dir_inside_the_root_is_detected() {
        let root = tempfile::tempdir().expect("temp dir");
        assert!(is_inside(&root.path().join("not-yet/cache"), root.path()));
        assert!(is_inside(root.path(), root.path()));
        let other = tempfile::tempdir().expect("temp dir");
        assert!(!is_inside(other.path(), root.path()));
    }
}
