package dev.aigw.provider;

/** A request a provider cannot send: the status and a message that is safe to show the client. */
public final class ProviderException extends Exception {
    private final int status;
    private final String type;

    public ProviderException(int status, String type, String message) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }
}
