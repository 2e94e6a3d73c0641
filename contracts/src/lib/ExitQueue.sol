// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

/// @title ExitQueue
/// @notice A priority queue of distinct non-zero `uint256` keys in storage, smallest first: a
/// sorted singly linked list whose links are the keys themselves (one slot per entry).
/// @dev Popping costs a constant few slot accesses however long the queue is, so processing
/// stays cheap per exit. Inserting appends in constant time when the key is above the tail,
/// which is the usual case (an exit matures at least one period after it starts, so later
/// exits mostly sort later); otherwise it walks from a hint — a queued key below it, which
/// the caller reads beforehand (`below`) — or from the head. From a hint it walks only the
/// entries queued between the hint and the key since the hint was read, each of which its
/// starter paid an exit's gas and bond for: no number of exits queued ahead prices an insert
/// out of a block, and none refuses it.
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

    /// @notice Adds `key`, walking from `hint` when it is a queued key below it (else from the
    /// head).
    function push(Queue storage q, uint256 key, uint256 hint) internal {
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
        // head < key < tail: find the last entry below it. A queued key other than the tail
        // has a successor; a popped one has none.
        uint256 prev = head;
        if (hint > head && hint < key && q.next[hint] != 0) prev = hint;
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

    /// @notice The last queued key below `key` (0 if none): the hint an insert of `key` walks
    /// from. Constant above the tail (the usual case); between, it walks the list (for views).
    function below(Queue storage q, uint256 key) internal view returns (uint256 last) {
        if (q.head == 0) return 0;
        if (q.tail < key) return q.tail;
        for (uint256 k = q.head; k != 0 && k < key; k = q.next[k]) {
            last = k;
        }
    }

    /// @notice Number of keys (walks the list: for views and tests).
    function length(Queue storage q) internal view returns (uint256 n) {
        for (uint256 k = q.head; k != 0; k = q.next[k]) {
            ++n;
        }
    }
}
