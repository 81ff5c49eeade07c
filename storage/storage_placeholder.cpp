// Replaced by the storage issue.
