<?php
/**
 * Media Library operations: upscale, remove an object, edit with a prompt, generate. Each result is saved as a new
 * attachment with its metadata (operation, model, credits, source); the original is never overwritten.
 *
 * @package api-credits
 */

defined( 'ABSPATH' ) || exit;

final class API_Credits_Media {
	public const META = '_api_credits';
	/** A poll is a short long-poll: it waits this long for the service before answering "still running". */
	private const POLL_WAIT_SECONDS = 5.0;

	public static function routes( callable $r, callable $upload ): void {
		$id = '(?P<id>\d+)';
		$r( '/media/quote', 'POST', array( self::class, 'quote' ), $upload );
		$r( "/media/$id/upscale", 'POST', array( self::class, 'upscale' ), $upload );
		$r( "/media/$id/edit", 'POST', array( self::class, 'edit' ), $upload );
		$r( '/media/generate', 'POST', array( self::class, 'generate' ), $upload );
		$r( '/media/jobs/(?P<key>[A-Za-z0-9-]{8,64})', 'GET', array( self::class, 'poll' ), $upload );
	}

	/** The attachment when it is an image the current user may edit, else a WP_Error (404 like a missing one). */
	private static function image( int $id ) {
		$post = get_post( $id );
		if ( ! $post || 'attachment' !== $post->post_type || ! wp_attachment_is_image( $post ) || ! current_user_can( 'edit_post', $id ) ) {
			return new WP_Error( 'api_credits_not_found', __( 'No such image.', 'api-credits' ), array( 'status' => 404 ) );
		}
		return $post;
	}

	/** The service's price for the operation, before anything is spent. */
	public static function quote( WP_REST_Request $request ) {
		$op   = (string) $request->get_param( 'operation' );
		$body = array( 'operation' => $op );
		if ( 'images.upscale' === $op ) {
			$body['factor'] = 4 === (int) $request->get_param( 'factor' ) ? 4 : 2;
		} elseif ( 'images.edit' === $op ) {
			$post = self::image( absint( $request->get_param( 'attachmentId' ) ) );
			if ( is_wp_error( $post ) ) {
				return $post;
			}
			$meta           = wp_get_attachment_metadata( $post->ID );
			$body['width']  = max( 1, (int) ( $meta['width'] ?? 1024 ) );
			$body['height'] = max( 1, (int) ( $meta['height'] ?? 1024 ) );
		} elseif ( 'images.generate' === $op ) {
			$body['quality'] = self::quality( $request );
		} else {
			return new WP_Error( 'api_credits_invalid', __( 'Unknown operation.', 'api-credits' ), array( 'status' => 400 ) );
		}
		return API_Credits_Rest::answer( API_Credits_Client::request( 'POST', '/v1/quotes', array( 'body' => $body ) ) );
	}

	public static function upscale( WP_REST_Request $request ) {
		$post = self::image( (int) $request['id'] );
		if ( is_wp_error( $post ) ) {
			return $post;
		}
		$factor = 4 === (int) $request->get_param( 'factor' ) ? 4 : 2;
		return self::run(
			$request,
			'/v1/images/upscales',
			array(
				'image'  => self::data_url( $post->ID ),
				'factor' => $factor,
			),
			$post,
			/* translators: %d: 2 or 4 */
			sprintf( __( 'upscaled ×%d', 'api-credits' ), $factor )
		);
	}

	public static function edit( WP_REST_Request $request ) {
		$post = self::image( (int) $request['id'] );
		if ( is_wp_error( $post ) ) {
			return $post;
		}
		$mode = (string) $request->get_param( 'mode' );
		if ( ! in_array( $mode, array( 'remove', 'inpaint', 'instruct' ), true ) ) {
			return new WP_Error( 'api_credits_invalid', __( 'Unknown edit mode.', 'api-credits' ), array( 'status' => 400 ) );
		}
		$body = array(
			'image' => self::data_url( $post->ID ),
			'mode'  => $mode,
		);
		$mask = (string) $request->get_param( 'mask' );
		if ( '' !== $mask ) {
			if ( ! preg_match( '#^data:image/png;base64,[A-Za-z0-9+/=]+$#', $mask ) ) {
				return new WP_Error( 'api_credits_invalid', __( 'The mask must be a PNG.', 'api-credits' ), array( 'status' => 400 ) );
			}
			$body['mask'] = $mask;
		}
		$prompt = sanitize_textarea_field( (string) $request->get_param( 'prompt' ) );
		if ( '' !== $prompt ) {
			$body['prompt'] = $prompt;
		}
		$label = 'remove' === $mode ? __( 'object removed', 'api-credits' ) : __( 'edited', 'api-credits' );
		return self::run( $request, '/v1/images/edits', $body, $post, $label );
	}

	public static function generate( WP_REST_Request $request ) {
		$prompt = sanitize_textarea_field( (string) $request->get_param( 'prompt' ) );
		if ( '' === $prompt ) {
			return new WP_Error( 'api_credits_invalid', __( 'Describe the image.', 'api-credits' ), array( 'status' => 400 ) );
		}
		$body = array(
			'prompt'  => $prompt,
			'quality' => self::quality( $request ),
		);
		return self::run( $request, '/v1/images/generations', $body, null, __( 'generated', 'api-credits' ) );
	}

	private static function quality( WP_REST_Request $request ): string {
		$q = (string) $request->get_param( 'quality' );
		return in_array( $q, array( 'fast', 'standard', 'ultra' ), true ) ? $q : 'standard';
	}

	/** The attachment's original file as a data: URL (the service takes PNG, JPEG or WebP). */
	private static function data_url( int $id ): string {
		$file = get_attached_file( $id );
		$mime = get_post_mime_type( $id );
		$data = is_string( $file ) && is_readable( $file ) ? (string) file_get_contents( $file ) : ''; // phpcs:ignore WordPress.WP.AlternativeFunctions.file_get_contents_file_get_contents
		return 'data:' . $mime . ';base64,' . base64_encode( $data ); // phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.obfuscation_base64_encode
	}

	/**
	 * Starts one spending call with the browser's Idempotency-Key (a retried click charges once). No PHP request waits
	 * on the service for more than a few seconds: when the work takes longer the answer is 202 with the job to poll,
	 * and each poll sends the same request with the same key, which the service answers "in progress" until its
	 * stored reply is ready (image operations run to completion when their caller hangs up).
	 */
	private static function run( WP_REST_Request $request, string $path, array $body, ?WP_Post $source, string $label ) {
		$key = (string) $request->get_param( 'idempotencyKey' );
		if ( ! preg_match( '/^[A-Za-z0-9-]{8,64}$/', $key ) ) {
			$key = API_Credits_Client::idempotency_key();
		}
		$job = array(
			'path'   => $path,
			'body'   => $body,
			'source' => $source ? $source->ID : 0,
			'label'  => $label,
			'user'   => get_current_user_id(),
		);
		set_transient( self::job_key( $key ), $job, DAY_IN_SECONDS );
		return self::advance( $key, $job, self::wait_seconds() );
	}

	public static function poll( WP_REST_Request $request ) {
		$key = (string) $request['key'];
		$job = get_transient( self::job_key( $key ) );
		if ( ! is_array( $job ) || (int) $job['user'] !== get_current_user_id() ) {
			return new WP_Error( 'api_credits_not_found', __( 'No such operation.', 'api-credits' ), array( 'status' => 404 ) );
		}
		return self::advance( $key, $job, self::POLL_WAIT_SECONDS );
	}

	private static function job_key( string $key ): string {
		return 'api_credits_job_' . md5( $key );
	}

	/** One bounded attempt at a job: done (the attachments), still running (202), or the service's refusal. */
	private static function advance( string $key, array $job, float $wait ) {
		if ( isset( $job['done'] ) ) {
			return rest_ensure_response( $job['done'] );
		}
		$res = API_Credits_Client::request(
			'POST',
			$job['path'],
			array(
				'body'    => $job['body'],
				'headers' => array( 'Idempotency-Key' => $key ),
				'timeout' => $wait,
			)
		);
		if ( is_wp_error( $res ) ) {
			$code = $res->get_error_data()['serviceCode'] ?? '';
			if ( 'api_credits_timeout' === $res->get_error_code() || 'IDEMPOTENCY_IN_PROGRESS' === $code ) {
				return new WP_REST_Response(
					array(
						'status' => 'running',
						'job'    => $key,
					),
					202
				);
			}
			delete_transient( self::job_key( $key ) );
			return $res;
		}
		delete_option( 'api_credits_last_402' );
		$source = $job['source'] ? get_post( (int) $job['source'] ) : null;
		$saved  = array();
		foreach ( $res['images'] as $image ) {
			$att = self::save( $image, $source, $job['label'] );
			if ( is_wp_error( $att ) ) {
				return $att;
			}
			$saved[] = $att;
		}
		$job['done'] = array(
			'status'      => 'done',
			'attachments' => $saved,
			'credits'     => $res['credits'],
		);
		set_transient( self::job_key( $key ), $job, DAY_IN_SECONDS );
		return rest_ensure_response( $job['done'] );
	}

	/**
	 * How long the starting request waits on the service (API_CREDITS_WAIT_SECONDS in wp-config.php; default 5;
	 * at least 1, as WordPress's HTTP API waits no less).
	 */
	private static function wait_seconds(): float {
		return defined( 'API_CREDITS_WAIT_SECONDS' ) ? max( 1.0, (float) API_CREDITS_WAIT_SECONDS ) : 5.0;
	}

	/** Downloads one result from the service and inserts it as a new attachment; returns what the screen shows. */
	private static function save( array $image, ?WP_Post $source, string $label ) {
		$bytes = self::content( (string) $image['id'] );
		if ( is_wp_error( $bytes ) ) {
			return $bytes;
		}
		$ext   = 'image/jpeg' === $image['mimeType'] ? 'jpg' : ( 'image/webp' === $image['mimeType'] ? 'webp' : 'png' );
		$base  = $source ? pathinfo( (string) get_attached_file( $source->ID ), PATHINFO_FILENAME ) : 'generated';
		$name  = sanitize_file_name( $base . '-' . $image['operation'] . '-' . $image['id'] . '.' . $ext );
		$bits  = wp_upload_bits( $name, null, $bytes );
		$title = $source ? $source->post_title . ' (' . $label . ')' : mb_substr( (string) $image['prompt'], 0, 80 );
		if ( ! empty( $bits['error'] ) ) {
			return new WP_Error( 'api_credits_upload', $bits['error'], array( 'status' => 500 ) );
		}
		$id = wp_insert_attachment(
			array(
				'post_title'     => sanitize_text_field( $title ),
				'post_mime_type' => $image['mimeType'],
				'post_status'    => 'inherit',
				'post_parent'    => $source ? (int) $source->post_parent : 0,
			),
			$bits['file'],
			0,
			true
		);
		if ( is_wp_error( $id ) ) {
			return $id;
		}
		require_once ABSPATH . 'wp-admin/includes/image.php';
		wp_update_attachment_metadata( $id, wp_generate_attachment_metadata( $id, $bits['file'] ) );
		update_post_meta(
			$id,
			self::META,
			array(
				'operation'          => (string) $image['operation'],
				'model'              => (string) $image['model'],
				'provider'           => (string) $image['provider'],
				'credits'            => $image['credits'],
				'serviceImageId'     => (string) $image['id'],
				'sourceAttachmentId' => $source ? $source->ID : 0,
				'prompt'             => (string) $image['prompt'],
			)
		);
		return array(
			'id'       => $id,
			'url'      => wp_get_attachment_url( $id ),
			'width'    => (int) $image['width'],
			'height'   => (int) $image['height'],
			'editLink' => get_edit_post_link( $id, 'raw' ),
			'meta'     => get_post_meta( $id, self::META, true ),
		);
	}

	/** The bytes of a stored result image. */
	private static function content( string $image_id ) {
		$key = API_Credits_Settings::site_key();
		$res = wp_remote_get(
			API_Credits_Settings::service_url() . '/v1/images/' . rawurlencode( $image_id ) . '/content',
			array(
				'timeout'     => 60,
				'redirection' => 0,
				'headers'     => array( 'Authorization' => 'Bearer ' . $key ),
			)
		);
		if ( is_wp_error( $res ) || 200 !== wp_remote_retrieve_response_code( $res ) ) {
			return new WP_Error( 'api_credits_download', __( 'The result could not be downloaded.', 'api-credits' ), array( 'status' => 502 ) );
		}
		return wp_remote_retrieve_body( $res );
	}
}
