// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

/// @title ExitQueue
/// @notice A priority queue of distinct non-zero `uint256` keys in storage, smallest first: a
/// sorted singly linked list whose links are the keys themselves (one slot per entry).
/// @dev Popping costs a constant few slot accesses however long the queue is, so processing
/// stays cheap per exit. Inserting appends in constant time when the key is above the tail,
/// which is the usual case (an exit matures at least one period after it starts, so later
/// exits mostly sort later); otherwise it walks from the head.
library ExitQueue {
    /// The queue: empty while `head` is zero. `next[k]` is the key after `k`; the tail has
    /// none (zero), and `tail` may be stale while the queue is empty.
    struct Queue {
        uint256 head;
        uint256 tail;
        mapping(uint256 => uint256) next;
    }

    /// A zero key, or one already queued.
    error BadKey(uint256 key);

    /// @notice Adds `key`.
    function push(Queue storage q, uint256 key) internal {
        uint256 head = q.head;
        if (head == 0) {
            if (key == 0) revert BadKey(key);
            q.head = key;
            q.tail = key;
            return;
        }
        uint256 tail = q.tail;
        if (key == 0 || key == tail || q.next[key] != 0) revert BadKey(key);
        if (key > tail) {
            q.next[tail] = key;
            q.tail = key;
            return;
        }
        if (key < head) {
            q.next[key] = head;
            q.head = key;
            return;
        }
        // head < key < tail: find the last entry below it.
        uint256 prev = head;
        uint256 after_ = q.next[prev];
        while (after_ < key) {
            prev = after_;
            after_ = q.next[prev];
        }
        q.next[key] = after_;
        q.next[prev] = key;
    }

    /// @notice True if nothing is queued.
    function isEmpty(Queue storage q) internal view returns (bool) {
        return q.head == 0;
    }

    /// @notice The smallest key; the queue must not be empty.
    function top(Queue storage q) internal view returns (uint256) {
        return q.head;
    }

    /// @notice Removes and returns the smallest key; the queue must not be empty.
    function pop(Queue storage q) internal returns (uint256 min) {
        min = q.head;
        uint256 after_ = q.next[min];
        if (after_ == 0) {
            q.head = 0; // empty; `tail` is left stale
        } else {
            q.head = after_;
            delete q.next[min];
        }
    }

    /// @notice Number of keys (walks the list: for views and tests).
    function length(Queue storage q) internal view returns (uint256 n) {
        for (uint256 k = q.head; k != 0; k = q.next[k]) {
            ++n;
        }
    }
}
