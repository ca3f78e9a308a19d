module physalia.io/kind/runc-wrapper

go 1.26.0
