//! C API (amperity_* symbols): see include/amperity.h.
