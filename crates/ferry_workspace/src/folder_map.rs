//! A map from folders to values that stores each folder name once.
//!
//! A run caches something per folder it meets (the project pins that
//! apply there, the work tree it belongs to, the tree `HEAD` records for
//! it), and it meets every folder above each file with the packs' words. A
//! map keyed by whole paths repeats the shared start of those paths in
//! every key: on the benchmark's 4x tree, three such maps of about 1,700
//! paths each held 0.75 MB of `ferry fix`'s peak, and grew with the tree.
//! Here a folder is its parent's node and its own name, the names kept end
//! to end in one buffer, so an entry costs a few words and its name.

use std::hash::BuildHasher;
use std::path::Path;

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;

/// Values by folder. Paths are taken apart into components, as `Path`'s
/// own equality does (`a//b/./c/` and `a/b/c` are one key).
pub(crate) struct FolderMap<V> {
    /// Node 0 is the empty path, the parent of every first component.
    nodes: Vec<Node<V>>,
    /// Every node but the first, found by its parent and name.
    children: HashTable<u32>,
    /// The nodes' names, end to end.
    names: Vec<u8>,
    /// How many folders have a value.
    len: usize,
}

struct Node<V> {
    parent: u32,
    /// Where its name starts and ends in [`FolderMap::names`].
    name: (u32, u32),
    value: Option<V>,
}

const EMPTY_PATH: u32 = 0;

impl<V> Default for FolderMap<V> {
    fn default() -> Self {
        Self {
            nodes: vec![Node {
                parent: EMPTY_PATH,
                name: (0, 0),
                value: None,
            }],
            children: HashTable::new(),
            names: Vec::new(),
            len: 0,
        }
    }
}

impl<V> std::fmt::Debug for FolderMap<V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FolderMap").field("len", &self.len).finish()
    }
}

impl<V> FolderMap<V> {
    pub(crate) fn get(&self, folder: &Path) -> Option<&V> {
        self.node(folder)
            .and_then(|node| self.nodes[node as usize].value.as_ref())
    }

    pub(crate) fn get_mut(&mut self, folder: &Path) -> Option<&mut V> {
        let node = self.node(folder)?;
        self.nodes[node as usize].value.as_mut()
    }

    pub(crate) fn contains_key(&self, folder: &Path) -> bool {
        self.get(folder).is_some()
    }

    /// Sets the value of `folder`; the one it replaces, if any.
    pub(crate) fn insert(&mut self, folder: &Path, value: V) -> Option<V> {
        let mut node = EMPTY_PATH;
        for component in folder.components() {
            let name = component.as_os_str().as_encoded_bytes();
            node = match self.child(node, name) {
                Some(child) => child,
                None => self.add_child(node, name),
            };
        }
        let replaced = self.nodes[node as usize].value.replace(value);
        if replaced.is_none() {
            self.len += 1;
        }
        replaced
    }

    /// How many folders have a value.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    fn node(&self, folder: &Path) -> Option<u32> {
        folder.components().try_fold(EMPTY_PATH, |node, component| {
            self.child(node, component.as_os_str().as_encoded_bytes())
        })
    }

    fn child(&self, parent: u32, name: &[u8]) -> Option<u32> {
        self.children
            .find(hash(parent, name), |&node| {
                let node = &self.nodes[node as usize];
                node.parent == parent && name_of(&self.names, node.name) == name
            })
            .copied()
    }

    fn add_child(&mut self, parent: u32, name: &[u8]) -> u32 {
        let id = u32::try_from(self.nodes.len()).expect("fewer than 4 billion folders");
        // The end fits, so the start does.
        let end = u32::try_from(self.names.len() + name.len()).expect("under 4 GiB of names");
        let start = self.names.len() as u32;
        self.names.extend_from_slice(name);
        self.nodes.push(Node {
            parent,
            name: (start, end),
            value: None,
        });
        let Self {
            nodes,
            children,
            names,
            ..
        } = self;
        children.insert_unique(hash(parent, name), id, |&node| {
            let node = &nodes[node as usize];
            hash(node.parent, name_of(names, node.name))
        });
        id
    }
}

fn name_of(names: &[u8], (start, end): (u32, u32)) -> &[u8] {
    &names[start as usize..end as usize]
}

fn hash(parent: u32, name: &[u8]) -> u64 {
    FxBuildHasher.hash_one((parent, name))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::path::PathBuf;

    use proptest::prelude::*;

    use super::*;

    #[test]
    fn folders_are_their_paths_components() {
        let mut map = FolderMap::default();
        assert_eq!(map.insert(Path::new("/work/a/b"), 1), None);
        assert_eq!(map.insert(Path::new("/work/a"), 2), None);
        assert_eq!(map.get(Path::new("/work/a/b")), Some(&1));
        assert_eq!(map.get(Path::new("/work//a/./b/")), Some(&1));
        assert_eq!(map.get(Path::new("/work/a")), Some(&2));
        // Met on the way to a folder with a value, without one of its own.
        assert_eq!(map.get(Path::new("/work")), None);
        assert!(!map.contains_key(Path::new("/work")));
        // Relative and absolute paths are different keys, as for `Path`.
        assert_eq!(map.get(Path::new("work/a")), None);
        assert_eq!(map.insert(Path::new("/work/a/b"), 3), Some(1));
        *map.get_mut(Path::new("/work/a")).unwrap() += 10;
        assert_eq!(map.get(Path::new("/work/a")), Some(&12));
        // The empty path is a key too (the top of a work tree, for git).
        assert_eq!(map.insert(Path::new(""), 0), None);
        assert_eq!(map.get(Path::new("")), Some(&0));
        assert_eq!(map.get(Path::new("/work/a/b")), Some(&3));
        assert_eq!(map.len(), 3);
    }

    proptest! {
        /// Whatever the paths, the map answers as a `HashMap` keyed by
        /// `PathBuf` does.
        #[test]
        fn answers_as_a_map_of_paths_does(
            paths in proptest::collection::vec(
                ("/?", proptest::collection::vec(prop_oneof!["a", "b", "ab", "é", "", "."], 0..5)),
                1..30,
            ),
            lookups in proptest::collection::vec(
                proptest::collection::vec(prop_oneof!["a", "b", "ab", "é"], 0..5),
                0..20,
            ),
        ) {
            let mut map = FolderMap::default();
            let mut expected = HashMap::new();
            for (i, (root, names)) in paths.iter().enumerate() {
                let path = PathBuf::from(format!("{root}{}", names.join("/")));
                prop_assert_eq!(map.insert(&path, i), expected.insert(path.clone(), i));
            }
            prop_assert_eq!(map.len(), expected.len());
            for (path, value) in &expected {
                prop_assert_eq!(map.get(path), Some(value));
            }
            for names in lookups {
                let path = PathBuf::from(names.join("/"));
                prop_assert_eq!(map.get(&path), expected.get(&path));
            }
        }
    }
}
