# Shared by the cross-check scripts: source it after setting $dll (the caffenet.dll to run).

caffenet() { dotnet "$dll" "$@"; }

# npy FILE SEED D0 D1 ...: uniform [0, 1) float32 values from SEED.
npy() {
  /usr/bin/python3 -c 'import sys, numpy as np
np.save(sys.argv[1], np.random.RandomState(int(sys.argv[2])).uniform(0, 1, [int(d) for d in sys.argv[3:]]).astype(np.float32))' "$@"
}
