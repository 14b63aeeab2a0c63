package dev.aigw.proxy.stage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.policy.PromptText;

import java.util.List;
import java.util.Optional;

/**
 * The client's JSON request body. A stage that needs the body asks for {@link #tree()}, which is
 * parsed on first use and may be changed in place; once it exists the tree is the body. Before
 * that, what was read by a streaming scan is enough for some stages: {@link #promptTexts()} (a
 * regex guard that only rejects reads the texts, it does not need the tree).
 */
public interface RequestBody {
    /** The body as a tree, parsed now if it was not yet; stages may change it in place. */
    ObjectNode tree();

    /** Whether {@link #tree()} has been built (then it, not the client's bytes, is the body). */
    boolean treeBuilt();

    /**
     * The prompt texts as {@link dev.aigw.policy.BodyText#request} would find them, when a scan
     * read them and no tree has been built since; else empty (ask the tree).
     */
    Optional<List<PromptText>> promptTexts();

    /** A body that is its tree from the start. */
    static RequestBody of(ObjectNode tree) {
        return new RequestBody() {
            @Override
            public ObjectNode tree() {
                return tree;
            }

            @Override
            public boolean treeBuilt() {
                return true;
            }

            @Override
            public Optional<List<PromptText>> promptTexts() {
                return Optional.empty();
            }
        };
    }
}
