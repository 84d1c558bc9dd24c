// Small types several steps share, kept here so that no step imports another for a type.

/** --mode: auto moves a local package and copies one from the network; move and copy force it. */
export type Mode = 'auto' | 'move' | 'copy';

/** What the platform says of the volume holding a path. */
export type Medium = 'fixed' | 'remote' | 'removable' | 'cdrom' | 'readonly';
