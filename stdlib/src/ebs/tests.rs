//! Script-level tests of the ebs module.
