// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

/// @title ExitQueue
/// @notice A binary min-heap of `uint256` keys in storage: push and pop in O(log n) slot
/// accesses. Exits are keyed so that the smallest key pays first.
library ExitQueue {
    /// The heap.
    struct Heap {
        uint256[] items;
    }

    /// @notice Adds `key`.
    function push(Heap storage h, uint256 key) internal {
        uint256[] storage a = h.items;
        uint256 i = a.length;
        a.push(key);
        while (i > 0) {
            uint256 p = (i - 1) / 2;
            uint256 pk = a[p];
            if (pk <= key) break;
            a[i] = pk;
            i = p;
        }
        if (i != a.length - 1) a[i] = key;
    }

    /// @notice The smallest key; the heap must not be empty.
    function top(Heap storage h) internal view returns (uint256) {
        return h.items[0];
    }

    /// @notice Number of keys.
    function size(Heap storage h) internal view returns (uint256) {
        return h.items.length;
    }

    /// @notice Removes and returns the smallest key; the heap must not be empty.
    function pop(Heap storage h) internal returns (uint256 min) {
        uint256[] storage a = h.items;
        min = a[0];
        uint256 n = a.length - 1;
        uint256 last = a[n];
        a.pop();
        if (n == 0) return min;
        uint256 i = 0;
        while (true) {
            uint256 c = 2 * i + 1;
            if (c >= n) break;
            uint256 ck = a[c];
            if (c + 1 < n) {
                uint256 rk = a[c + 1];
                if (rk < ck) {
                    c += 1;
                    ck = rk;
                }
            }
            if (last <= ck) break;
            a[i] = ck;
            i = c;
        }
        a[i] = last;
    }
}
